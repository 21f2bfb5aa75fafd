# Empty compiler generated dependencies file for test-incidents.
# This may be replaced when dependencies are built.
