# Empty compiler generated dependencies file for bench-parse-only.
# This may be replaced when dependencies are built.
