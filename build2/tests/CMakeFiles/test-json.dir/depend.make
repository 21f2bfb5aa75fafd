# Empty dependencies file for test-json.
# This may be replaced when dependencies are built.
