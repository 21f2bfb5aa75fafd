file(REMOVE_RECURSE
  "CMakeFiles/test-patterns.dir/unit/test-patterns.c.o"
  "CMakeFiles/test-patterns.dir/unit/test-patterns.c.o.d"
  "test-patterns"
  "test-patterns.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test-patterns.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
