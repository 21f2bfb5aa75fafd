# Empty dependencies file for test-dsn.
# This may be replaced when dependencies are built.
