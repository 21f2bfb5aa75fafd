# Empty dependencies file for test-terminal.
# This may be replaced when dependencies are built.
