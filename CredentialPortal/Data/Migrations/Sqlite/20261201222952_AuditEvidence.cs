using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CredentialPortal.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AuditEvidence : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "ExpiryRecordedAt",
                table: "ActorLockouts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "AuditSigningKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    ProtectedPrivateKey = table.Column<string>(type: "TEXT", nullable: false),
                    PublicKey = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditSigningKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AuditSinkCursors",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    LastDeliveredSequence = table.Column<long>(type: "INTEGER", nullable: false),
                    LastSentSequence = table.Column<long>(type: "INTEGER", nullable: false),
                    LastDeliveredAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    LastErrorAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditSinkCursors", x => x.Name);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AuditSigningKeys");

            migrationBuilder.DropTable(
                name: "AuditSinkCursors");

            migrationBuilder.DropColumn(
                name: "ExpiryRecordedAt",
                table: "ActorLockouts");
        }
    }
}
