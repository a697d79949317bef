set_tests_properties(test_md PROPERTIES LABELS "atoms;slow")
