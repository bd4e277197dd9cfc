// MSBuild inline task (RoslynCodeTaskFactory): marks one ELF version need as weak.
// Kept dependency-free so it compiles inside MSBuild on any SDK. See ../TorchSharpGlibcxxFix.targets.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class PatchGlibcxxVersionNeed : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 2;

    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string VersionName { get; set; } = "";

    public override bool Execute()
    {
        if (SystemLibstdcxxHas(VersionName))
        {
            Log.LogMessage(MessageImportance.Low, "System libstdc++ provides " + VersionName + "; no patch needed.");
            return true;
        }
        foreach (var item in Files)
        {
            string path = item.GetMetadata("FullPath");
            if (!File.Exists(path)) continue;
            try
            {
                byte[] bytes = File.ReadAllBytes(path);
                int offset = FindVernauxFlagsOffset(bytes, VersionName);
                if (offset < 0) continue;
                ushort flags = BitConverter.ToUInt16(bytes, offset);
                if ((flags & VerFlgWeak) != 0) continue;
                flags |= VerFlgWeak;
                bytes[offset] = (byte)(flags & 0xff);
                bytes[offset + 1] = (byte)(flags >> 8);
                string temp = path + ".conddistill-tmp";
                File.WriteAllBytes(temp, bytes);
                File.Replace(temp, path, null); // rename over the original: never a half-written library
                Log.LogMessage(MessageImportance.High,
                    "CondDistill: marked " + VersionName + " weak in " + path + " (system libstdc++ lacks it; see environment/README.md)");
            }
            catch (Exception e)
            {
                Log.LogWarning("CondDistill: could not patch " + path + ": " + e.Message);
            }
        }
        return !Log.HasLoggedErrors;
    }

    private static bool SystemLibstdcxxHas(string version)
    {
        string[] candidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
        };
        byte[] needle = Encoding.ASCII.GetBytes(version + "\0");
        foreach (string candidate in candidates)
        {
            if (!File.Exists(candidate)) continue;
            byte[] lib = File.ReadAllBytes(candidate);
            return IndexOf(lib, needle) >= 0;
        }
        return false; // unknown layout: patching is harmless (a weak need is still checked when present)
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }

    /// <summary>Offset of vna_flags of the Vernaux entry named <paramref name="version"/>, or -1.</summary>
    private static int FindVernauxFlagsOffset(byte[] elf, string version)
    {
        // ELF64 little-endian only (x86_64, aarch64).
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F') return -1;
        if (elf[4] != 2 || elf[5] != 1) return -1;
        long shoff = BitConverter.ToInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3a);
        int shnum = BitConverter.ToUInt16(elf, 0x3c);
        for (int i = 0; i < shnum; i++)
        {
            int sh = checked((int)(shoff + (long)i * shentsize));
            uint type = BitConverter.ToUInt32(elf, sh + 4);
            if (type != ShtGnuVerneed) continue;
            int secOffset = checked((int)BitConverter.ToInt64(elf, sh + 0x18));
            int link = (int)BitConverter.ToUInt32(elf, sh + 0x28);
            int strtab = checked((int)BitConverter.ToInt64(elf, checked((int)(shoff + (long)link * shentsize)) + 0x18));
            int verneed = secOffset;
            while (true)
            {
                int count = BitConverter.ToUInt16(elf, verneed + 2);
                int aux = verneed + (int)BitConverter.ToUInt32(elf, verneed + 8);
                for (int k = 0; k < count; k++)
                {
                    int name = strtab + (int)BitConverter.ToUInt32(elf, aux + 8);
                    if (ReadCString(elf, name) == version) return aux + 4;
                    int nextAux = (int)BitConverter.ToUInt32(elf, aux + 12);
                    if (nextAux == 0) break;
                    aux += nextAux;
                }
                int next = (int)BitConverter.ToUInt32(elf, verneed + 12);
                if (next == 0) break;
                verneed += next;
            }
        }
        return -1;
    }

    private static string ReadCString(byte[] bytes, int start)
    {
        int end = start;
        while (end < bytes.Length && bytes[end] != 0) end++;
        return Encoding.ASCII.GetString(bytes, start, end - start);
    }
}
