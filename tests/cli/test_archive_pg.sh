#!/bin/sh
# tests/cli/test_archive.sh with the archive on PostgreSQL (a private server this test
# starts and stops; skipped, saying so, when the postgresql package is absent).
HM_TEST_ARCHIVE=pg exec sh tests/cli/test_archive.sh
