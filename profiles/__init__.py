"""Built-in cleaner profiles (TOML files), shipped inside the package as ``cleaner.profiles``."""
