package cli

import "github.com/cradle-org/cradle/internal/credential"

// ProgressLine is exported for tests.
var ProgressLine = progressLine

// PasswordParams is exported for tests.
func (a *App) PasswordParamsInUse() credential.Params { return a.passwordParams() }
