# test_figures draws with PLplot's cairo drivers: fontconfig's process-lifetime
# caches are not leaks of ours (see lsan.supp); the sanitizer build reads this.
set_property(TEST test_figures APPEND PROPERTY ENVIRONMENT
             "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/plot/lsan.supp:print_suppressions=0")
