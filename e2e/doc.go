// Package e2e holds Cradle's browser end-to-end tests. They start the real
// server in-process with demonstration data, drive headless Chromium through
// the DevTools protocol (chromedp), and check each page with axe-core.
//
// The tests run beside each other (t.Parallel; go test runs as many at once
// as -parallel, by default the number of cores): each has its own server,
// data folder and browser, and shares nothing but the demo folder it copies
// (made once, under a lock). A journey is a chain of round trips between the
// browser and the server that left a core idle nearly half the time, and the
// browser tests were most of CI's time.
//
// Run them with:
//
//	go test ./e2e/ -run Browser -v -count=1
//
// Environment:
//
//	CRADLE_CHROMIUM               the browser binary (default /usr/bin/chromium)
//	CRADLE_TEST_REQUIRE_BROWSER   if set, a missing browser fails the tests instead of skipping them
//	CRADLE_SCREENSHOTS            a folder to save full-page screenshots in, to look at (none is taken without it)
package e2e
