using System.Security.Cryptography;
using System.Text;
using static TorchSharp.torch;

namespace Fer.Training.Export;

/// <summary>A SHA-256 over every tensor of a state dict (names, shapes and bytes, in name order).</summary>
public static class WeightsFingerprint
{
    public static string Compute(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, tensor) in module.state_dict().OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{name}:{string.Join(',', tensor.shape)}:{tensor.dtype};"));
            using var cpu = tensor.detach().cpu().contiguous();
            hash.AppendData(cpu.bytes);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>One network's own fingerprint; for several (an ensemble), a SHA-256 over theirs, in order.</summary>
    public static string Compute(IReadOnlyList<nn.Module> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        if (modules.Count == 1)
        {
            return Compute(modules[0]);
        }

        var joined = string.Join(';', modules.Select(Compute));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(joined)));
    }
}
