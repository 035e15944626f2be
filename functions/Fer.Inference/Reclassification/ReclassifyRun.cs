using Azure;
using Azure.Data.Tables;

namespace Fer.Inference.Reclassification;

/// <summary>
/// The state of a batch's re-classification, one entity per batch in the results table under <see cref="Partition"/>:
/// '~' is escaped in every batch's partition key, so no batch's rows share it. Its ETag makes "one run per batch at a
/// time" a conditional write.
/// </summary>
public sealed class ReclassifyRun : ITableEntity
{
    public const string Partition = "~reclassify";

    public const string Running = "running";

    public const string Done = "done";

    public string PartitionKey { get; set; } = Partition;

    /// <summary>The batch's encoded key (<see cref="Storage.TableKeys.Encode"/>).</summary>
    public string RowKey { get; set; } = string.Empty;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Batch { get; set; } = string.Empty;

    public string RunId { get; set; } = string.Empty;

    public string State { get; set; } = Running;

    public string ModelVersion { get; set; } = string.Empty;

    /// <summary>Blobs without up-to-date rows when the run started: the work queued.</summary>
    public int Blobs { get; set; }

    public int Chunks { get; set; }

    public int ChunksDone { get; set; }

    public int Processed { get; set; }

    public int Classified { get; set; }

    public int Rejected { get; set; }

    public int Failed { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
