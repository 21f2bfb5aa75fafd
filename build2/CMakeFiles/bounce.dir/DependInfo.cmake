
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/analyzer/advice.c" "CMakeFiles/bounce.dir/analyzer/advice.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/advice.c.o.d"
  "/work/main/analyzer/bigrams.c" "CMakeFiles/bounce.dir/analyzer/bigrams.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/bigrams.c.o.d"
  "/work/main/analyzer/capstream.c" "CMakeFiles/bounce.dir/analyzer/capstream.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/capstream.c.o.d"
  "/work/main/analyzer/classify.c" "CMakeFiles/bounce.dir/analyzer/classify.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/classify.c.o.d"
  "/work/main/analyzer/command.c" "CMakeFiles/bounce.dir/analyzer/command.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/command.c.o.d"
  "/work/main/analyzer/config.c" "CMakeFiles/bounce.dir/analyzer/config.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/config.c.o.d"
  "/work/main/analyzer/context.c" "CMakeFiles/bounce.dir/analyzer/context.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/context.c.o.d"
  "/work/main/analyzer/dsn.c" "CMakeFiles/bounce.dir/analyzer/dsn.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/dsn.c.o.d"
  "/work/main/analyzer/emit-diagnosis.c" "CMakeFiles/bounce.dir/analyzer/emit-diagnosis.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/emit-diagnosis.c.o.d"
  "/work/main/analyzer/emit.c" "CMakeFiles/bounce.dir/analyzer/emit.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/emit.c.o.d"
  "/work/main/analyzer/escape.c" "CMakeFiles/bounce.dir/analyzer/escape.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/escape.c.o.d"
  "/work/main/analyzer/html.c" "CMakeFiles/bounce.dir/analyzer/html.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/html.c.o.d"
  "/work/main/analyzer/incidents.c" "CMakeFiles/bounce.dir/analyzer/incidents.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/incidents.c.o.d"
  "/work/main/analyzer/ini.c" "CMakeFiles/bounce.dir/analyzer/ini.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/ini.c.o.d"
  "/work/main/analyzer/knowledge.c" "CMakeFiles/bounce.dir/analyzer/knowledge.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/knowledge.c.o.d"
  "/work/main/analyzer/mailbox-name.c" "CMakeFiles/bounce.dir/analyzer/mailbox-name.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/mailbox-name.c.o.d"
  "/work/main/analyzer/message-headers.c" "CMakeFiles/bounce.dir/analyzer/message-headers.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/message-headers.c.o.d"
  "/work/main/analyzer/message-parts.c" "CMakeFiles/bounce.dir/analyzer/message-parts.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/message-parts.c.o.d"
  "/work/main/analyzer/message-recipients.c" "CMakeFiles/bounce.dir/analyzer/message-recipients.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/message-recipients.c.o.d"
  "/work/main/analyzer/message.c" "CMakeFiles/bounce.dir/analyzer/message.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/message.c.o.d"
  "/work/main/analyzer/notice-data.c" "CMakeFiles/bounce.dir/analyzer/notice-data.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/notice-data.c.o.d"
  "/work/main/analyzer/notice-lines.c" "CMakeFiles/bounce.dir/analyzer/notice-lines.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/notice-lines.c.o.d"
  "/work/main/analyzer/notice.c" "CMakeFiles/bounce.dir/analyzer/notice.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/notice.c.o.d"
  "/work/main/analyzer/parallel.c" "CMakeFiles/bounce.dir/analyzer/parallel.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/parallel.c.o.d"
  "/work/main/analyzer/pattern-check.c" "CMakeFiles/bounce.dir/analyzer/pattern-check.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/pattern-check.c.o.d"
  "/work/main/analyzer/pattern-parse.c" "CMakeFiles/bounce.dir/analyzer/pattern-parse.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/pattern-parse.c.o.d"
  "/work/main/analyzer/pattern.c" "CMakeFiles/bounce.dir/analyzer/pattern.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/pattern.c.o.d"
  "/work/main/analyzer/reader-file.c" "CMakeFiles/bounce.dir/analyzer/reader-file.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/reader-file.c.o.d"
  "/work/main/analyzer/reader.c" "CMakeFiles/bounce.dir/analyzer/reader.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/reader.c.o.d"
  "/work/main/analyzer/reading.c" "CMakeFiles/bounce.dir/analyzer/reading.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/reading.c.o.d"
  "/work/main/analyzer/reclassify-budget.c" "CMakeFiles/bounce.dir/analyzer/reclassify-budget.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/reclassify-budget.c.o.d"
  "/work/main/analyzer/report-html.c" "CMakeFiles/bounce.dir/analyzer/report-html.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/report-html.c.o.d"
  "/work/main/analyzer/rule-probe.c" "CMakeFiles/bounce.dir/analyzer/rule-probe.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/rule-probe.c.o.d"
  "/work/main/analyzer/rules-blacklists.c" "CMakeFiles/bounce.dir/analyzer/rules-blacklists.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/rules-blacklists.c.o.d"
  "/work/main/analyzer/rules-formats.c" "CMakeFiles/bounce.dir/analyzer/rules-formats.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/rules-formats.c.o.d"
  "/work/main/analyzer/rules.c" "CMakeFiles/bounce.dir/analyzer/rules.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/rules.c.o.d"
  "/work/main/analyzer/small-file.c" "CMakeFiles/bounce.dir/analyzer/small-file.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/small-file.c.o.d"
  "/work/main/analyzer/sprinter-json.c" "CMakeFiles/bounce.dir/analyzer/sprinter-json.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/sprinter-json.c.o.d"
  "/work/main/analyzer/storage-captures.c" "CMakeFiles/bounce.dir/analyzer/storage-captures.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/storage-captures.c.o.d"
  "/work/main/analyzer/storage-errors.c" "CMakeFiles/bounce.dir/analyzer/storage-errors.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/storage-errors.c.o.d"
  "/work/main/analyzer/storage-export.c" "CMakeFiles/bounce.dir/analyzer/storage-export.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/storage-export.c.o.d"
  "/work/main/analyzer/storage-hash.c" "CMakeFiles/bounce.dir/analyzer/storage-hash.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/storage-hash.c.o.d"
  "/work/main/analyzer/storage-import.c" "CMakeFiles/bounce.dir/analyzer/storage-import.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/storage-import.c.o.d"
  "/work/main/analyzer/storage-incidents.c" "CMakeFiles/bounce.dir/analyzer/storage-incidents.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/storage-incidents.c.o.d"
  "/work/main/analyzer/storage-ingest.c" "CMakeFiles/bounce.dir/analyzer/storage-ingest.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/storage-ingest.c.o.d"
  "/work/main/analyzer/storage-parse.c" "CMakeFiles/bounce.dir/analyzer/storage-parse.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/storage-parse.c.o.d"
  "/work/main/analyzer/storage-pg-name.c" "CMakeFiles/bounce.dir/analyzer/storage-pg-name.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/storage-pg-name.c.o.d"
  "/work/main/analyzer/storage-pg-schema.c" "CMakeFiles/bounce.dir/analyzer/storage-pg-schema.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/storage-pg-schema.c.o.d"
  "/work/main/analyzer/storage-pg-text.c" "CMakeFiles/bounce.dir/analyzer/storage-pg-text.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/storage-pg-text.c.o.d"
  "/work/main/analyzer/storage-pg.c" "CMakeFiles/bounce.dir/analyzer/storage-pg.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/storage-pg.c.o.d"
  "/work/main/analyzer/storage-prune.c" "CMakeFiles/bounce.dir/analyzer/storage-prune.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/storage-prune.c.o.d"
  "/work/main/analyzer/storage-query.c" "CMakeFiles/bounce.dir/analyzer/storage-query.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/storage-query.c.o.d"
  "/work/main/analyzer/storage-reclassify.c" "CMakeFiles/bounce.dir/analyzer/storage-reclassify.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/storage-reclassify.c.o.d"
  "/work/main/analyzer/storage-report.c" "CMakeFiles/bounce.dir/analyzer/storage-report.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/storage-report.c.o.d"
  "/work/main/analyzer/storage-sql.c" "CMakeFiles/bounce.dir/analyzer/storage-sql.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/storage-sql.c.o.d"
  "/work/main/analyzer/storage-sqlite-hosts.c" "CMakeFiles/bounce.dir/analyzer/storage-sqlite-hosts.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/storage-sqlite-hosts.c.o.d"
  "/work/main/analyzer/storage-sqlite-schema.c" "CMakeFiles/bounce.dir/analyzer/storage-sqlite-schema.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/storage-sqlite-schema.c.o.d"
  "/work/main/analyzer/storage-sqlite.c" "CMakeFiles/bounce.dir/analyzer/storage-sqlite.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/storage-sqlite.c.o.d"
  "/work/main/analyzer/storage-writer.c" "CMakeFiles/bounce.dir/analyzer/storage-writer.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/storage-writer.c.o.d"
  "/work/main/analyzer/storage.c" "CMakeFiles/bounce.dir/analyzer/storage.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/storage.c.o.d"
  "/work/main/analyzer/svg.c" "CMakeFiles/bounce.dir/analyzer/svg.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/svg.c.o.d"
  "/work/main/analyzer/terminal.c" "CMakeFiles/bounce.dir/analyzer/terminal.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/terminal.c.o.d"
  "/work/main/analyzer/textbounce.c" "CMakeFiles/bounce.dir/analyzer/textbounce.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/textbounce.c.o.d"
  "/work/main/analyzer/util.c" "CMakeFiles/bounce.dir/analyzer/util.c.o" "gcc" "CMakeFiles/bounce.dir/analyzer/util.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
