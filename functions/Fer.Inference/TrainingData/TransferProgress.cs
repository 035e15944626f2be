namespace Fer.Inference.TrainingData;

/// <summary>
/// Where an upload or download stands. <see cref="Skipped"/> files were already in place with the same hash;
/// <see cref="TotalBytes"/> counts only the bytes that need transferring, so rate and ETA ignore skipped files.
/// </summary>
public sealed record TransferProgress(int Files, int TotalFiles, int Skipped, long Bytes, long TotalBytes, TimeSpan Elapsed)
{
    /// <summary>Bytes per second actually transferred.</summary>
    public double BytesPerSecond => Elapsed.TotalSeconds > 0 ? Bytes / Elapsed.TotalSeconds : 0;

    public TimeSpan? Remaining(long bytesLeft) =>
        BytesPerSecond > 0 ? TimeSpan.FromSeconds(bytesLeft / BytesPerSecond) : null;

    public override string ToString()
    {
        var eta = Remaining(TotalBytes - Bytes) is { } left ? $", ETA {left:hh\\:mm\\:ss}" : string.Empty;
        return $"{Files}/{TotalFiles} files ({Skipped} already there), {Bytes / 1e6:F1}/{TotalBytes / 1e6:F1} MB, {BytesPerSecond / 1e6:F2} MB/s{eta}";
    }
}
