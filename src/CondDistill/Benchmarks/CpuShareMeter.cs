using System.Globalization;

namespace CondDistill.Benchmarks;

/// <summary>
/// How much of the machine's CPU other processes used while a measurement ran (Linux): busy time of
/// all processors from <c>/proc/stat</c> minus this process's own time from <c>/proc/self/stat</c>,
/// over the total time of all processors. Unlike the load average at the start (a decaying one-minute
/// mean that still remembers a job stopped seconds earlier), it describes the measured interval itself.
/// </summary>
public sealed class CpuShareMeter
{
    private readonly (long Busy, long Total)? machineStart;
    private readonly long? ownStart;

    private CpuShareMeter((long Busy, long Total)? machine, long? own)
    {
        machineStart = machine;
        ownStart = own;
    }

    /// <summary>Takes the starting reading (no-op off Linux).</summary>
    public static CpuShareMeter Start() => new(ReadMachine(), ReadOwn());

    /// <summary>The share of all processors' time used by other processes since <see cref="Start"/>, in [0, 1], or null off Linux.</summary>
    public double? OtherProcessesShare()
    {
        if (machineStart is not { } start || ownStart is not long ownBefore || ReadMachine() is not { } end || ReadOwn() is not long ownAfter) return null;
        return Share(start, end, ownBefore, ownAfter);
    }

    /// <summary>(busy - own) / total between two readings, clamped to [0, 1]; 0 when no time passed.</summary>
    public static double Share((long Busy, long Total) start, (long Busy, long Total) end, long ownStart, long ownEnd)
    {
        long total = end.Total - start.Total;
        if (total <= 0) return 0;
        double others = (end.Busy - start.Busy) - (ownEnd - ownStart);
        return Math.Clamp(others / total, 0, 1);
    }

    /// <summary>Busy and total jiffies of the "cpu" line of a /proc/stat text (idle and iowait are not busy), or null.</summary>
    public static (long Busy, long Total)? ParseProcStat(string text)
    {
        string? line = text.Split('\n').FirstOrDefault(l => l.StartsWith("cpu ", StringComparison.Ordinal));
        if (line is null) return null;
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        if (fields.Length < 5) return null;
        long total = fields.Sum();
        long idle = fields[3] + fields[4];
        return (total - idle, total);
    }

    /// <summary>utime + stime (jiffies) of a /proc/[pid]/stat text, or null.</summary>
    public static long? ParseOwnStat(string text)
    {
        int close = text.LastIndexOf(')'); // the command name may contain spaces
        if (close < 0) return null;
        var fields = text[(close + 2)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // After "pid (comm) ", field 3 (state) is index 0, so utime (field 14) is index 11 and stime index 12.
        return fields.Length > 12 ? long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture) : null;
    }

    private static (long Busy, long Total)? ReadMachine() =>
        OperatingSystem.IsLinux() && File.Exists("/proc/stat") ? ParseProcStat(File.ReadAllText("/proc/stat")) : null;

    private static long? ReadOwn() =>
        OperatingSystem.IsLinux() && File.Exists("/proc/self/stat") ? ParseOwnStat(File.ReadAllText("/proc/self/stat")) : null;
}
