using System.CommandLine;
using CondDistill.Cli.Commands;

var root = new RootCommand("condistill: conditional diffusion distillation (CoDi) workbench on Fashion-MNIST.");
root.Subcommands.Add(DoctorCommand.Create());
return root.Parse(args).Invoke();
