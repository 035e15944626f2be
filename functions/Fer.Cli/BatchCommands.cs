using System.CommandLine;
using Fer.Api;

namespace Fer.Cli;

/// <summary><c>fer batch delete NAME</c>: a batch's blobs and rows removed, as <c>DELETE /api/batches/{batch}</c> does.</summary>
internal static class BatchCommands
{
    public static Command Create() => new("batch", "Manage a batch of uploads and its rows.") { Delete() };

    private static Command Delete()
    {
        var name = new Argument<string>("NAME") { Description = "The batch: the first folder of the blob names in the faces container." };
        var command = new Command("delete", "Delete every blob of the batch in the faces container, then its rows.") { name };
        command.SetAction(async (parse, ct) =>
        {
            var batch = parse.GetValue(name)!;
            if (BatchName.Problem(batch) is { } problem)
            {
                throw new CliException($"'{batch}' is not a batch: {problem}.");
            }

            using var services = CliLogging.Connect(StorageOptions.Resolve(parse));
            await services.EnsureCreatedAsync(ct).ConfigureAwait(false);
            var deleted = await services.Deleter.DeleteAsync(batch, ct).ConfigureAwait(false);
            Console.WriteLine($"Batch '{batch}': deleted {deleted.BlobsDeleted} blob(s) and {deleted.RowsDeleted} row(s).");
            return ExitCodes.Success;
        });
        return command;
    }
}
