using Azure;

namespace Fer.Inference.Tests;

/// <summary>Which failures the command lines report in one line, and which crash with a stack trace because they are bugs.</summary>
public sealed class UserFaultsTests
{
    public static TheoryData<Exception> Faults() =>
    [
        new FerException("options contradict each other"),
        new UnknownLabelException("joy"),
        new FileNotFoundException("no such file"),
        new DirectoryNotFoundException("no such folder"),
        new InvalidDataException("a malformed file"),
        new UnauthorizedAccessException("not allowed"),
    ];

    public static TheoryData<Exception> Bugs() =>
    [
        new ArgumentException("a caller's mistake"),
        new InvalidOperationException("a broken invariant"),
        new NotSupportedException("a case nobody wrote"),
        new AggregateException(new InvalidOperationException("a bug in a task")),
    ];

    [Theory]
    [MemberData(nameof(Faults))]
    public void A_fault_the_user_can_fix_is_a_user_fault(Exception exception) => Assert.True(UserFaults.IsUserFault(exception));

    [Theory]
    [MemberData(nameof(Bugs))]
    public void A_programming_error_is_neither_a_user_fault_nor_a_storage_fault(Exception exception)
    {
        Assert.False(UserFaults.IsUserFault(exception));
        Assert.False(UserFaults.IsStorageFault(exception));
    }

    [Fact]
    public void Storage_that_refuses_is_a_storage_fault_reported_with_its_own_message()
    {
        var refused = new RequestFailedException(403, "This request is not authorized.");
        var aggregate = new AggregateException(refused);

        Assert.True(UserFaults.IsStorageFault(refused));
        Assert.True(UserFaults.IsStorageFault(aggregate));
        Assert.True(UserFaults.IsStorageFault(new HttpRequestException("Connection refused")));
        Assert.Equal(refused.Message, UserFaults.StorageMessage(aggregate));
    }

    [Fact]
    public void A_FerException_keeps_the_exception_it_wraps()
    {
        var cause = new IOException("disk full");

        var exception = new FerException("The model could not be written.", cause);

        Assert.Same(cause, exception.InnerException);
    }
}
