# Empty dependencies file for bounce-analyzer.
# This may be replaced when dependencies are built.
