# Empty compiler generated dependencies file for test-pg.
# This may be replaced when dependencies are built.
