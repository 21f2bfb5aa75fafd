file(REMOVE_RECURSE
  "CMakeFiles/test-dsn.dir/unit/test-dsn.c.o"
  "CMakeFiles/test-dsn.dir/unit/test-dsn.c.o.d"
  "test-dsn"
  "test-dsn.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test-dsn.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
