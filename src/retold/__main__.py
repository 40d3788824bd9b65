"""``python -m retold`` runs the command line."""

from retold.cli import main

if __name__ == "__main__":
    main()
