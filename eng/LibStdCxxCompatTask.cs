// Makes TorchSharp's native library loadable on hosts whose libstdc++ is older than the one it
// was linked against (Debian 12 ships GLIBCXX_3.4.30; libLibTorchSharp.so asks for 3.4.32).
//
// The only symbol that needs the newer version, _ZSt21ios_base_library_initv, is listed but never
// relocated, so nothing ever binds to it. The dynamic loader still refuses the library because the
// version requirement is mandatory. Marking that requirement weak (VER_FLG_WEAK in .gnu.version_r)
// turns the refusal into nothing, which is exactly right for a version no relocation uses.
//
// The task patches only the copy in the build or publish output, only for versions that the host's
// libstdc++ lacks, and only when no relocation refers to a symbol of such a version; otherwise it
// fails the build with an explanation instead of producing a library that would crash later.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class LibStdCxxCompatTask : Task
{
    private const uint SectionTypeVersionNeeds = 0x6ffffffe;
    private const uint SectionTypeVersionSymbols = 0x6fffffff;
    private const uint SectionTypeDynamicSymbols = 11;
    private const uint SectionTypeRela = 4;
    private const ushort VersionFlagWeak = 0x2;

    /// <summary>Native libraries to check (missing files are skipped).</summary>
    [Required]
    public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>Candidate paths of the host's libstdc++.so.6; the first that exists is used.</summary>
    [Required]
    public ITaskItem[] HostLibStdCxxCandidates { get; set; } = Array.Empty<ITaskItem>();

    public override bool Execute()
    {
        var host = HostLibStdCxxCandidates.Select(i => i.ItemSpec).FirstOrDefault(File.Exists);
        if (host is null)
        {
            Log.LogMessage(MessageImportance.Low, "No host libstdc++.so.6 found; nothing to patch.");
            return true;
        }

        var hostBytes = File.ReadAllBytes(host);
        foreach (var library in Libraries.Select(i => i.ItemSpec).Where(File.Exists))
        {
            try
            {
                PatchLibrary(library, hostBytes, host);
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                Log.LogError($"Could not check '{library}' against '{host}': {e.Message}");
            }
        }

        return !Log.HasLoggedErrors;
    }

    private void PatchLibrary(string path, byte[] hostLibStdCxx, string hostPath)
    {
        var elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException("not a little-endian 64-bit ELF file");
        }

        var sections = ReadSections(elf);
        var needs = sections.FirstOrDefault(s => s.Type == SectionTypeVersionNeeds);
        if (needs is null)
        {
            return;
        }

        var strings = sections[(int)needs.Link];
        var patched = new List<string>();
        var blocked = new List<string>();
        foreach (var aux in ReadLibStdCxxRequirements(elf, needs, strings))
        {
            if (HostDefines(hostLibStdCxx, aux.Name))
            {
                continue;
            }

            var usedBy = SymbolsRelocatedWithVersion(elf, sections, aux.Index);
            if (usedBy.Count > 0)
            {
                blocked.Add($"{aux.Name} (used by {string.Join(", ", usedBy.Take(3))})");
                continue;
            }

            var flags = BitConverter.ToUInt16(elf, aux.Offset + 4);
            if ((flags & VersionFlagWeak) == 0)
            {
                BitConverter.GetBytes((ushort)(flags | VersionFlagWeak)).CopyTo(elf, aux.Offset + 4);
                patched.Add(aux.Name);
            }
        }

        if (blocked.Count > 0)
        {
            Log.LogError(
                $"'{Path.GetFileName(path)}' needs {string.Join("; ", blocked)}, which the host libstdc++ " +
                $"('{hostPath}') does not provide. Install a newer libstdc++ (GCC 13 or later, e.g. Ubuntu 24.04) " +
                "or run on a host that has one.");
            return;
        }

        if (patched.Count > 0)
        {
            // A new file, not a rewrite in place: the output copy may be a hard link into the NuGet cache.
            var patchedPath = path + ".patched";
            File.WriteAllBytes(patchedPath, elf);
            File.Replace(patchedPath, path, destinationBackupFileName: null);
            Log.LogMessage(
                MessageImportance.High,
                $"libstdc++ compatibility: marked {string.Join(", ", patched)} weak in {path} " +
                $"(host '{hostPath}' lacks it; no relocation uses it).");
        }
    }

    private static bool HostDefines(byte[] hostLibStdCxx, string version)
    {
        var needle = Encoding.ASCII.GetBytes(version + "\0");
        for (var i = 0; i <= hostLibStdCxx.Length - needle.Length; i++)
        {
            var j = 0;
            while (j < needle.Length && hostLibStdCxx[i + j] == needle[j])
            {
                j++;
            }

            if (j == needle.Length)
            {
                return true;
            }
        }

        return false;
    }

    private sealed class Section
    {
        public Section(uint type, long offset, long size, uint link, long entrySize)
        {
            (Type, Offset, Size, Link, EntrySize) = (type, offset, size, link, entrySize);
        }

        public uint Type { get; }
        public long Offset { get; }
        public long Size { get; }
        public uint Link { get; }
        public long EntrySize { get; }
    }

    private sealed class Requirement
    {
        public Requirement(string name, int offset, ushort index)
        {
            (Name, Offset, Index) = (name, offset, index);
        }

        public string Name { get; }
        public int Offset { get; }
        public ushort Index { get; }
    }

    private static List<Section> ReadSections(byte[] elf)
    {
        var tableOffset = (long)BitConverter.ToUInt64(elf, 0x28);
        var entrySize = BitConverter.ToUInt16(elf, 0x3A);
        var count = BitConverter.ToUInt16(elf, 0x3C);
        var sections = new List<Section>(count);
        for (var i = 0; i < count; i++)
        {
            var at = checked((int)(tableOffset + (i * entrySize)));
            sections.Add(new Section(
                type: BitConverter.ToUInt32(elf, at + 4),
                offset: (long)BitConverter.ToUInt64(elf, at + 0x18),
                size: (long)BitConverter.ToUInt64(elf, at + 0x20),
                link: BitConverter.ToUInt32(elf, at + 0x28),
                entrySize: (long)BitConverter.ToUInt64(elf, at + 0x38)));
        }

        return sections;
    }

    private static IEnumerable<Requirement> ReadLibStdCxxRequirements(byte[] elf, Section needs, Section strings)
    {
        var entry = (int)needs.Offset;
        while (true)
        {
            var count = BitConverter.ToUInt16(elf, entry + 2);
            var file = ReadString(elf, strings, BitConverter.ToUInt32(elf, entry + 4));
            var aux = entry + (int)BitConverter.ToUInt32(elf, entry + 8);
            for (var i = 0; i < count; i++)
            {
                if (file.StartsWith("libstdc++.so", StringComparison.Ordinal))
                {
                    var index = BitConverter.ToUInt16(elf, aux + 6);
                    yield return new Requirement(ReadString(elf, strings, BitConverter.ToUInt32(elf, aux + 8)), aux, index);
                }

                aux += (int)BitConverter.ToUInt32(elf, aux + 12);
            }

            var next = BitConverter.ToUInt32(elf, entry + 12);
            if (next == 0)
            {
                yield break;
            }

            entry += (int)next;
        }
    }

    /// <summary>Names of dynamic symbols tagged with the version index that some relocation refers to.</summary>
    private static List<string> SymbolsRelocatedWithVersion(byte[] elf, List<Section> sections, ushort versionIndex)
    {
        var symbols = sections.First(s => s.Type == SectionTypeDynamicSymbols);
        var versions = sections.First(s => s.Type == SectionTypeVersionSymbols);
        var names = sections[(int)symbols.Link];
        var symbolCount = (int)(symbols.Size / symbols.EntrySize);
        var tagged = new HashSet<int>();
        for (var i = 0; i < symbolCount; i++)
        {
            if ((BitConverter.ToUInt16(elf, (int)versions.Offset + (2 * i)) & 0x7fff) == versionIndex)
            {
                tagged.Add(i);
            }
        }

        var used = new List<string>();
        foreach (var rela in sections.Where(s => s.Type == SectionTypeRela && s.Link == sections.IndexOf(symbols)))
        {
            for (var at = rela.Offset; at < rela.Offset + rela.Size; at += rela.EntrySize)
            {
                var symbol = (int)(BitConverter.ToUInt64(elf, (int)at + 8) >> 32);
                if (tagged.Contains(symbol))
                {
                    var nameOffset = BitConverter.ToUInt32(elf, (int)symbols.Offset + (symbol * (int)symbols.EntrySize));
                    used.Add(ReadString(elf, names, nameOffset));
                }
            }
        }

        return used;
    }

    private static string ReadString(byte[] elf, Section table, uint offset)
    {
        var start = (int)(table.Offset + offset);
        var end = Array.IndexOf(elf, (byte)0, start);
        return Encoding.ASCII.GetString(elf, start, end - start);
    }
}
