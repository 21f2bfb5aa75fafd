file(REMOVE_RECURSE
  "CMakeFiles/test-reading.dir/unit/test-reading.c.o"
  "CMakeFiles/test-reading.dir/unit/test-reading.c.o.d"
  "test-reading"
  "test-reading.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test-reading.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
