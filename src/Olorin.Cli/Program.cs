using Olorin.Cli;
using Olorin.Migration.Diagnostics;

// scripts/olorin <command>: the operator tools of the migration runbook, beside the server and on the same ports.
Timeline.Mark("main");
return await OlorinCli.Build().Parse(args).InvokeAsync();
