# Empty dependencies file for test-reading.
# This may be replaced when dependencies are built.
