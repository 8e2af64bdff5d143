# Test tiers beyond the unit tests: fixture repositories and end-to-end runs of the real binary.

# Tier 2: every invalid fixture is checked and its diagnostics compared exactly.
file(GLOB FIXTURE_CASES LIST_DIRECTORIES true ${CMAKE_SOURCE_DIR}/tests/fixtures/invalid/*)
foreach(case_dir IN LISTS FIXTURE_CASES)
  if(IS_DIRECTORY ${case_dir})
    get_filename_component(case_name ${case_dir} NAME)
    add_test(NAME fixture.${case_name}
             COMMAND bash ${CMAKE_SOURCE_DIR}/tests/run_fixture.sh $<TARGET_FILE:nines> ${case_dir})
  endif()
endforeach()

# The example organisation is the valid fixture: it must check clean.
add_test(NAME fixture.valid-content
         COMMAND bash ${CMAKE_SOURCE_DIR}/tests/run_fixture.sh $<TARGET_FILE:nines>
                 ${CMAKE_SOURCE_DIR}/content ${CMAKE_SOURCE_DIR}/tests/fixtures/valid)

# Tier 3: end-to-end runs of the binary (output formats, exit codes, hostile input).
add_test(NAME e2e.check
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/e2e/test_check.py $<TARGET_FILE:nines>
                 ${CMAKE_SOURCE_DIR})
add_test(NAME e2e.build
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/e2e/test_build.py $<TARGET_FILE:nines>
                 ${CMAKE_SOURCE_DIR})
# The prose-only rebuild: body edits of Markdown documents give a full build's bytes.
add_test(NAME e2e.prose
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/e2e/test_prose.py $<TARGET_FILE:nines>
                 ${CMAKE_SOURCE_DIR})
# About 80 s on an idle machine; 340 s was measured with the two cores at a load of 10 (two
# copies of it and two busy loops), which a full ctest -j2 beside other builds reaches.
set_tests_properties(e2e.prose PROPERTIES TIMEOUT 900)
add_test(NAME e2e.commands
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/e2e/test_commands.py $<TARGET_FILE:nines>
                 ${CMAKE_SOURCE_DIR})
add_test(NAME e2e.site
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/e2e/test_site.py $<TARGET_FILE:nines>
                 ${CMAKE_SOURCE_DIR})
add_test(NAME e2e.frozen
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/e2e/test_frozen.py $<TARGET_FILE:nines>)
add_test(NAME e2e.browser
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/e2e/test_browser.py $<TARGET_FILE:nines>
                 ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR}/browser-artifacts)
add_test(NAME e2e.prometheus
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/e2e/test_prometheus.py $<TARGET_FILE:nines>
                 ${CMAKE_SOURCE_DIR})
set_tests_properties(e2e.prometheus PROPERTIES TIMEOUT 600)

# The module layering of docs/ARCHITECTURE.md, checked against every #include of src/.
add_test(NAME layering
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/layering/check_layers.py ${CMAKE_SOURCE_DIR}
                 --self-test)
# Adoption: init (workflows validated by action-validator), new for every kind, and serve.
add_test(NAME e2e.adoption
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/e2e/test_adoption.py $<TARGET_FILE:nines>
                 ${CMAKE_SOURCE_DIR})
# The published schemas against an independent draft-7 validator (Debian's python3-jsonschema,
# hence Debian's python): the seed's templates and every scaffold pass, wrong values fail.
add_test(NAME e2e.schemas
         COMMAND /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/e2e/test_schemas.py $<TARGET_FILE:nines>
                 ${CMAKE_SOURCE_DIR})
# The command-line contract at its edges: rules -o, --now, --timings, nines.yaml, nested commands.
add_test(NAME e2e.cli
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/e2e/test_cli_contract.py $<TARGET_FILE:nines>
                 ${CMAKE_SOURCE_DIR})
set_tests_properties(e2e.cli PROPERTIES TIMEOUT 300)
add_test(NAME e2e.serve
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/e2e/test_serve.py $<TARGET_FILE:nines>
                 ${CMAKE_SOURCE_DIR})
set_tests_properties(e2e.serve PROPERTIES TIMEOUT 300)
# SIGINT and SIGTERM stop serve at any moment, the first build included, leaving nothing behind.
add_test(NAME e2e.serve-stop
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/e2e/test_serve_stop.py $<TARGET_FILE:nines>
                 ${CMAKE_SOURCE_DIR})
set_tests_properties(e2e.serve-stop PROPERTIES TIMEOUT 300)

# Every page is valid HTML to the W3C's Nu HTML Checker, the example's and a hostile Markdown body's.
add_test(NAME e2e.html-valid
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/e2e/test_html_valid.py $<TARGET_FILE:nines>
                 ${CMAKE_SOURCE_DIR})
set_tests_properties(e2e.html-valid PROPERTIES TIMEOUT 600)

# The benchmark suite's generator, parse floor and Hugo site on a small repository.
add_test(NAME e2e.bench
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/e2e/test_bench.py $<TARGET_FILE:nines>
                 $<TARGET_FILE:nines_parse_floor> ${CMAKE_SOURCE_DIR})
add_test(NAME e2e.hardening
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/e2e/test_hardening.py $<TARGET_FILE:nines>
                 ${CMAKE_SOURCE_DIR})
set_tests_properties(e2e.hardening PROPERTIES TIMEOUT 600)

# Governance: deploy and readiness gates, generated Prometheus rules (promtool and a real
# Prometheus), and history from real git repositories.
add_test(NAME e2e.gate
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/e2e/test_gate.py $<TARGET_FILE:nines>
                 ${CMAKE_SOURCE_DIR})
add_test(NAME e2e.rules
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/e2e/test_rules.py $<TARGET_FILE:nines>
                 ${CMAKE_SOURCE_DIR})
set_tests_properties(e2e.rules PROPERTIES TIMEOUT 600)
add_test(NAME e2e.history
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/e2e/test_history.py $<TARGET_FILE:nines>
                 ${CMAKE_SOURCE_DIR})
# Dialects: OpenSLO, Backstage and foreign files read as they are, with hand-worked figures.
add_test(NAME e2e.dialects
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/e2e/test_dialects.py $<TARGET_FILE:nines>)

# The libFuzzer target over load, validate and decode (a clang sub-build; skipped without clang).
add_test(NAME fuzz.load
         COMMAND bash ${CMAKE_SOURCE_DIR}/tests/fuzz/run.sh ${CMAKE_BINARY_DIR} 60)
set_tests_properties(fuzz.load PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 900)

# The weekly rhythm: review, handoff, their pages and API files (docs/weekly.md).
add_test(NAME e2e.weekly
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/e2e/test_weekly.py $<TARGET_FILE:nines>
                 ${CMAKE_SOURCE_DIR})

# What `nines new` scaffolds is no maturity evidence until filled in (docs/scoring.md).
add_test(NAME e2e.scaffolds
         COMMAND python3 ${CMAKE_SOURCE_DIR}/tests/e2e/test_scaffolds.py $<TARGET_FILE:nines>)
