file(REMOVE_RECURSE
  "CMakeFiles/test-mailbox.dir/unit/test-mailbox.c.o"
  "CMakeFiles/test-mailbox.dir/unit/test-mailbox.c.o.d"
  "test-mailbox"
  "test-mailbox.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test-mailbox.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
