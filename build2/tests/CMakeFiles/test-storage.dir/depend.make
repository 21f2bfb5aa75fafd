# Empty dependencies file for test-storage.
# This may be replaced when dependencies are built.
