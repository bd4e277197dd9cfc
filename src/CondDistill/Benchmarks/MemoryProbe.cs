using System.Diagnostics;
using System.Globalization;

namespace CondDistill.Benchmarks;

/// <summary>
/// Resident memory of the current process: on Linux VmRSS (current) and VmHWM (peak) from
/// <c>/proc/self/status</c>, which count native (libtorch) allocations too; elsewhere
/// <see cref="Process.WorkingSet64"/> and <see cref="Process.PeakWorkingSet64"/>.
/// </summary>
public static class MemoryProbe
{
    private const string StatusPath = "/proc/self/status";

    private static long _largestReading;

    /// <summary>Current resident set size in bytes (also remembered for <see cref="PeakResidentBytes"/>).</summary>
    public static long ResidentBytes()
    {
        long resident = ReadStatus("VmRSS") ?? CurrentProcess(p => p.WorkingSet64);
        long largest = Interlocked.Read(ref _largestReading);
        while (resident > largest && Interlocked.CompareExchange(ref _largestReading, resident, largest) != largest)
            largest = Interlocked.Read(ref _largestReading);
        return resident;
    }

    /// <summary>
    /// Peak resident set size of the process so far, in bytes. Linux updates VmHWM lazily, so it can lag
    /// behind the current VmRSS and behind an earlier <see cref="ResidentBytes"/> reading; the largest of
    /// the three is returned.
    /// </summary>
    public static long PeakResidentBytes()
    {
        long current = ResidentBytes();
        return Math.Max(ReadStatus("VmHWM") ?? CurrentProcess(p => p.PeakWorkingSet64), Math.Max(current, Interlocked.Read(ref _largestReading)));
    }

    /// <summary>
    /// The value of a "<paramref name="field"/>:   N kB" line of a /proc/[pid]/status text, in bytes,
    /// or null when the field is absent or not in kB.
    /// </summary>
    public static long? ParseStatusBytes(string statusText, string field)
    {
        ArgumentNullException.ThrowIfNull(statusText);
        ArgumentException.ThrowIfNullOrEmpty(field);
        foreach (var line in statusText.Split('\n'))
        {
            if (!line.StartsWith(field + ":", StringComparison.Ordinal)) continue;
            var parts = line[(field.Length + 1)..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[1] == "kB" && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long kilobytes))
                return kilobytes * 1024;
            return null;
        }
        return null;
    }

    private static long? ReadStatus(string field)
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(StatusPath)) return null;
        return ParseStatusBytes(File.ReadAllText(StatusPath), field);
    }

    private static long CurrentProcess(Func<Process, long> read)
    {
        using var process = Process.GetCurrentProcess();
        return read(process);
    }
}
