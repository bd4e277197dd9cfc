using System.CommandLine;
using CondDistill.Runtime;

namespace CondDistill.Cli.Commands;

/// <summary><c>condistill doctor</c>: in-process environment checks with the fix for each problem.</summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var device = CommonOptions.Device();
        var command = new Command("doctor", "Check that TorchSharp loads, the thread count, the device and the data; print how to fix what is wrong.")
        {
            device,
        };
        command.SetAction(parse =>
        {
            var checks = EnvironmentDiagnosis.Run(parse.GetValue(device));
            foreach (var check in checks)
            {
                Console.WriteLine($"  {(check.Ok ? "ok     " : "PROBLEM")}  {check.Name,-14} {check.Detail}");
                if (!check.Ok && check.Fix is not null) Console.WriteLine($"           fix: {check.Fix}");
            }
            return checks.All(c => c.Ok) ? 0 : 1;
        });
        return command;
    }
}
