"""Cron entry point: `python run_crawl.py ARGS` is `internwatch run ARGS`."""
import sys

from cli import main

if __name__ == "__main__":
    sys.exit(main(["run", *sys.argv[1:]]))
