file(REMOVE_RECURSE
  "CMakeFiles/test-reader.dir/unit/test-reader.c.o"
  "CMakeFiles/test-reader.dir/unit/test-reader.c.o.d"
  "test-reader"
  "test-reader.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test-reader.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
