set_tests_properties(test_art_glass PROPERTIES LABELS "art;slow")
