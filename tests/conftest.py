import sys
from pathlib import Path

# Let test modules import the shared helpers in tests/ as a package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
