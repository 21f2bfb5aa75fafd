file(REMOVE_RECURSE
  "CMakeFiles/test-incidents.dir/unit/test-incidents.c.o"
  "CMakeFiles/test-incidents.dir/unit/test-incidents.c.o.d"
  "test-incidents"
  "test-incidents.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test-incidents.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
