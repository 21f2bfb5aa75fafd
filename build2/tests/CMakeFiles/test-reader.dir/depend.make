# Empty dependencies file for test-reader.
# This may be replaced when dependencies are built.
