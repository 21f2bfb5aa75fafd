# Empty compiler generated dependencies file for test-mailbox.
# This may be replaced when dependencies are built.
