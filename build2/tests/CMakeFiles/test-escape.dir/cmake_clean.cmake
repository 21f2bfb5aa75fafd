file(REMOVE_RECURSE
  "CMakeFiles/test-escape.dir/unit/test-escape.c.o"
  "CMakeFiles/test-escape.dir/unit/test-escape.c.o.d"
  "test-escape"
  "test-escape.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test-escape.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
