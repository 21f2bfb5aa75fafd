# Empty compiler generated dependencies file for test-escape.
# This may be replaced when dependencies are built.
