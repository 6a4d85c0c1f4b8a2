using Olorin.Cli;

// scripts/olorin <command>: the operator tools of the migration runbook, beside the server and on the same ports.
return await OlorinCli.Build().Parse(args).InvokeAsync();
