using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using CondDistill.Checkpoints;

namespace CondDistill.Cli.Commands;

/// <summary><c>condistill checkpoint pack|unpack|verify</c>: the lossless transport form of a safetensors file (<see cref="PackedCheckpoint"/>).</summary>
internal static class CheckpointCommands
{
    public static Command Create()
    {
        var packIn = new Option<string>("--in") { Description = "Safetensors file to pack (e.g. a run's checkpoints/latest.safetensors).", Required = true };
        var packOut = new Option<string>("--out") { Description = "Packed file to write (atomically); by convention it ends in .safetensors.packed.", Required = true };
        var pack = new Command("pack", "Pack a safetensors file losslessly (byte-shuffled, Deflate-compressed; about 83 % of a resume state's size), then unpack it in memory and check its SHA-256 before reporting.")
        {
            packIn, packOut,
        };
        pack.SetAction(parse =>
        {
            string source = Path.GetFullPath(parse.GetValue(packIn)!);
            string destination = Path.GetFullPath(parse.GetValue(packOut)!);
            if (source == destination) throw new ArgumentException($"--out '{destination}' is the file being packed; choose another name.");
            var clock = Stopwatch.StartNew();
            string sha = PackedCheckpoint.Pack(source, destination);
            PackedCheckpoint.Verify(destination); // throws unless the written file restores the recorded SHA-256, which is the source's
            Report(packing: true, source, destination, sha, clock.Elapsed);
            return 0;
        });

        var unpackIn = new Option<string>("--in") { Description = "Packed file written by 'checkpoint pack'.", Required = true };
        var unpackOut = new Option<string>("--out") { Description = "Safetensors file to restore (written atomically, only if the bytes match the recorded SHA-256).", Required = true };
        var unpack = new Command("unpack", "Restore a packed file byte for byte, checked against the SHA-256 recorded when it was packed.")
        {
            unpackIn, unpackOut,
        };
        unpack.SetAction(parse =>
        {
            string source = Path.GetFullPath(parse.GetValue(unpackIn)!);
            string destination = Path.GetFullPath(parse.GetValue(unpackOut)!);
            if (source == destination) throw new ArgumentException($"--out '{destination}' is the packed file itself; choose another name.");
            var clock = Stopwatch.StartNew();
            string sha = PackedCheckpoint.Unpack(source, destination);
            Report(packing: false, source, destination, sha, clock.Elapsed);
            return 0;
        });

        var verifyIn = new Option<string>("--in") { Description = "Packed file to check.", Required = true };
        var verify = new Command("verify", "Unpack a packed file in memory and check it against its recorded SHA-256, writing nothing.") { verifyIn };
        verify.SetAction(parse =>
        {
            string source = Path.GetFullPath(parse.GetValue(verifyIn)!);
            Console.WriteLine($"verified {source}: restores SHA-256 {PackedCheckpoint.Verify(source)}");
            return 0;
        });

        return new Command("checkpoint", "Pack, unpack and verify the transport form of checkpoint files (for carrying a run's resume state in the repository).")
        {
            pack, unpack, verify,
        };
    }

    private static void Report(bool packing, string source, string destination, string sha, TimeSpan elapsed)
    {
        long from = new FileInfo(source).Length, to = new FileInfo(destination).Length;
        long packed = packing ? to : from, raw = packing ? from : to;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(packing ? "packed" : "unpacked")} {source} ({from:N0} bytes) -> {destination} ({to:N0} bytes; packed form {100.0 * packed / raw:F1} % of the safetensors file) in {elapsed.TotalSeconds:F1} s; SHA-256 of the safetensors file {sha}"));
    }
}
