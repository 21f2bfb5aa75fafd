# Empty dependencies file for test-patterns.
# This may be replaced when dependencies are built.
