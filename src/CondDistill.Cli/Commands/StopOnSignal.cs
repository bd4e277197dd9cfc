using System.Runtime.InteropServices;

namespace CondDistill.Cli.Commands;

/// <summary>
/// Turns the first SIGTERM or SIGINT (Ctrl-C) into a stop request for a training loop, which then finishes
/// its step and writes a checkpoint before the process exits; a second signal ends the process at once.
/// SIGHUP is left alone, so a run started with <c>nohup</c> still survives its terminal.
/// </summary>
internal sealed class StopOnSignal : IDisposable
{
    private readonly CancellationTokenSource source = new();
    private readonly PosixSignalRegistration[] registrations;

    public StopOnSignal(string commandName)
    {
        registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Request(context, commandName)),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Request(context, commandName)),
        ];
    }

    /// <summary>Cancelled when the first signal arrives.</summary>
    public CancellationToken Token => source.Token;

    private void Request(PosixSignalContext context, string commandName)
    {
        if (source.IsCancellationRequested) return; // second signal: the default action ends the process
        context.Cancel = true;
        Console.Error.WriteLine($"{commandName}: {context.Signal} received; finishing the current step and writing a checkpoint (send it again to stop at once)");
        source.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in registrations) registration.Dispose();
        source.Dispose();
    }
}
