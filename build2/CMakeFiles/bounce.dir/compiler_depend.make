# Empty compiler generated dependencies file for bounce.
# This may be replaced when dependencies are built.
