file(REMOVE_RECURSE
  "CMakeFiles/test-notice.dir/unit/test-notice.c.o"
  "CMakeFiles/test-notice.dir/unit/test-notice.c.o.d"
  "test-notice"
  "test-notice.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test-notice.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
