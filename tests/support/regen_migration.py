"""Regenerate the single initial migration from the models (pre-release only).

Until the first deployment there is one migration, rebuilt from the models after a model
change: `python -m tests.support.regen_migration`. After release, add migrations instead.
"""
import glob
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main() -> None:
    for path in glob.glob(os.path.join(ROOT, "migrations", "versions", "*.py")):
        os.remove(path)
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/schema.sqlite3", "FLASK_APP": "wsgi.py",
               "RUN_TICKER": "0"}
        flask = os.path.join(os.path.dirname(sys.executable), "flask")
        subprocess.run([flask, "db", "migrate", "-m", "initial schema", "--rev-id", "0001"],
                       cwd=ROOT, env=env, check=True)


if __name__ == "__main__":
    main()
