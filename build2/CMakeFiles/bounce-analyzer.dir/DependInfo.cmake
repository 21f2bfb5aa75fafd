
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/analyzer/cli/cmd-analyze.c" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/cmd-analyze.c.o" "gcc" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/cmd-analyze.c.o.d"
  "/work/main/analyzer/cli/cmd-classify.c" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/cmd-classify.c.o" "gcc" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/cmd-classify.c.o.d"
  "/work/main/analyzer/cli/cmd-config.c" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/cmd-config.c.o" "gcc" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/cmd-config.c.o.d"
  "/work/main/analyzer/cli/cmd-explain.c" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/cmd-explain.c.o" "gcc" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/cmd-explain.c.o.d"
  "/work/main/analyzer/cli/cmd-export.c" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/cmd-export.c.o" "gcc" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/cmd-export.c.o.d"
  "/work/main/analyzer/cli/cmd-import.c" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/cmd-import.c.o" "gcc" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/cmd-import.c.o.d"
  "/work/main/analyzer/cli/cmd-incidents.c" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/cmd-incidents.c.o" "gcc" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/cmd-incidents.c.o.d"
  "/work/main/analyzer/cli/cmd-ingest.c" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/cmd-ingest.c.o" "gcc" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/cmd-ingest.c.o.d"
  "/work/main/analyzer/cli/cmd-prune.c" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/cmd-prune.c.o" "gcc" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/cmd-prune.c.o.d"
  "/work/main/analyzer/cli/cmd-reclassify.c" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/cmd-reclassify.c.o" "gcc" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/cmd-reclassify.c.o.d"
  "/work/main/analyzer/cli/cmd-report.c" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/cmd-report.c.o" "gcc" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/cmd-report.c.o.d"
  "/work/main/analyzer/cli/cmd-rules.c" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/cmd-rules.c.o" "gcc" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/cmd-rules.c.o.d"
  "/work/main/analyzer/cli/cmd-search.c" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/cmd-search.c.o" "gcc" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/cmd-search.c.o.d"
  "/work/main/analyzer/cli/cmd-serve.c" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/cmd-serve.c.o" "gcc" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/cmd-serve.c.o.d"
  "/work/main/analyzer/cli/cmd-why.c" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/cmd-why.c.o" "gcc" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/cmd-why.c.o.d"
  "/work/main/analyzer/cli/main.c" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/main.c.o" "gcc" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/main.c.o.d"
  "/work/main/analyzer/cli/output.c" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/output.c.o" "gcc" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/output.c.o.d"
  "/work/main/analyzer/cli/path-list.c" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/path-list.c.o" "gcc" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/path-list.c.o.d"
  "/work/main/analyzer/cli/progress.c" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/progress.c.o" "gcc" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/progress.c.o.d"
  "/work/main/analyzer/cli/report-days.c" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/report-days.c.o" "gcc" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/report-days.c.o.d"
  "/work/main/analyzer/cli/report-html-output.c" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/report-html-output.c.o" "gcc" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/report-html-output.c.o.d"
  "/work/main/analyzer/cli/serve-pages.c" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/serve-pages.c.o" "gcc" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/serve-pages.c.o.d"
  "/work/main/analyzer/cli/store-options.c" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/store-options.c.o" "gcc" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/store-options.c.o.d"
  "/work/main/analyzer/cli/stored.c" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/stored.c.o" "gcc" "CMakeFiles/bounce-analyzer.dir/analyzer/cli/stored.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  "/work/main/build2/CMakeFiles/bounce.dir/DependInfo.cmake"
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
