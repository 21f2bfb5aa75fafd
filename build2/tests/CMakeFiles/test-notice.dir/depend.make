# Empty dependencies file for test-notice.
# This may be replaced when dependencies are built.
